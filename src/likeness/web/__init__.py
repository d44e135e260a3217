"""The web portal: server-rendered pages for performers, producers and auditors."""
