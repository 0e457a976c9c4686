"""What limits and lockouts count by: an IPv4 address, or an IPv6 client's /64."""

import pytest

from accounts.addresses import limit_key


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("81.2.69.142", "81.2.69.142"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("::ffff:81.2.69.142", "81.2.69.142"),
        (None, "unknown"),
    ],
)
def test_limit_key(address, key):
    assert limit_key(address) == key
