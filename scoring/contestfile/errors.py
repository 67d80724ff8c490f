"""The error a refused contest file raises, shared by every step of reading one."""
from ..rules import SettingsError


class ContestFileError(SettingsError):
    """A contest file is refused; `.problems` lists every (place, message, params)."""
