"""Modal screens: verdict and export dialogs, the commit and file views, help."""
