"""Print what the GeoIP database says about an address."""

import ipaddress

import geoip2.errors
from django.core.management.base import BaseCommand, CommandError

from visits.ingest.geo import LOOKUP_ERRORS, geoip_database_path, location_of, open_reader


class Command(BaseCommand):
    help = "Print the country, region and city the GeoIP database gives for an IP address."

    def add_arguments(self, parser):
        parser.add_argument("ip", help="an IPv4 or IPv6 address")

    def handle(self, *args, ip, **options):
        try:
            address = ipaddress.ip_address(ip.strip())
        except ValueError as exc:
            raise CommandError(f"Not an IP address: {ip!r}") from exc
        path = geoip_database_path()
        try:
            reader = open_reader(path)
        except ValueError as exc:
            raise CommandError(f"No usable GeoIP database: {exc}") from exc
        with reader:
            if not address.is_global:
                self.stdout.write(f"{address}: a private or reserved address, no location")
                return
            try:
                location = location_of(reader.city(address))
            except geoip2.errors.AddressNotFoundError:
                self.stdout.write(f"{address}: not in the database")
                return
            except LOOKUP_ERRORS as exc:
                raise CommandError(f"The GeoIP database {path} is damaged: {exc}") from exc
        self.stdout.write(
            f"{address}: country={location.country or '-'} ({location.country_code or '-'}), "
            f"region={location.region or '-'}, city={location.city or '-'}"
        )
