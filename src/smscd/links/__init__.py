"""Short links: creation, redirects with durable click counting, ``tinyurls.php``."""
