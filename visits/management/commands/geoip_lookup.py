"""Print what the GeoIP database says about an address."""

import ipaddress

import maxminddb
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
            open_reader(path).close()  # a City database that opens and reads
            reader = maxminddb.open_database(str(path))
        except (ValueError, OSError) as exc:
            raise CommandError(f"No usable GeoIP database: {exc}") from exc
        with reader:
            if not address.is_global:
                self.stdout.write(f"{address}: a private or reserved address, no location")
                return
            try:
                record = reader.get(address)
            except LOOKUP_ERRORS as exc:
                raise CommandError(f"The GeoIP database {path} is damaged: {exc}") from exc
            if not record:
                self.stdout.write(f"{address}: not in the database")
                return
            location = location_of(record)
        self.stdout.write(
            f"{address}: country={location.country or '-'} ({location.country_code or '-'}), "
            f"region={location.region or '-'}, city={location.city or '-'}"
        )
