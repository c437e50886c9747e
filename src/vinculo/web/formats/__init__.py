"""Django format modules (``FORMAT_MODULE_PATH``): how the web app writes numbers and
dates in each language. Only Spanish has one: English keeps Django's own (en-US)."""
