"""The workbench's panels; each takes attributes from the app and posts messages up."""
