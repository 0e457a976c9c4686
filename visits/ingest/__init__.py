"""Request to stored row: the beacon and its parser, agents, geolocation, campaigns, the visitor
hash, the spool and the bulk writer. A hit's whole trip stays inside this package."""
