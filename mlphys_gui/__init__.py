"""mlphys-gui: a desktop visualiser for the course "Machine Learning for Physicists"."""

APP_NAME = "mlphys-gui"
__version__ = "0.1.0"
