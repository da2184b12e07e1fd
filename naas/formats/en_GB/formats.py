# Read by Django through settings.FORMAT_MODULE_PATH; names Django does not find here fall back
# to its own en_GB locale (input formats included).
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
