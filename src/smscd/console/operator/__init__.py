"""The console's operator pages under ``/console/operator`` (issue 12, "For the operator";
docs/console.md): accounts and their money, tariffs, routes and connectors, the delivery
queue, IP blocks. Logged in as an operator (``smscd admin create``), never as an account."""
