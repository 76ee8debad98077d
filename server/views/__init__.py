"""One module per surface of the site: HTTP in, one core call, HTTP out."""
