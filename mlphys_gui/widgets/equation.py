"""Equations from the notes, typeset once (resources/equations/*.svg) and recoloured per theme."""

from PyQt6 import QtCore, QtSvgWidgets, QtWidgets

from mlphys_gui.paths import resource_path
from mlphys_gui.style import Style

EQUATION_INK = "#000000"  # the colour render_equations.py writes; replaced by the theme's fg


class EquationView(QtSvgWidgets.QSvgWidget):
    """One typeset equation at the current font scale, with an equation-number caption tooltip."""

    def __init__(self, name: str, caption: str, parent=None):
        super().__init__(parent)
        self.name, self.caption = name, caption
        self._svg = resource_path("equations", f"{name}.svg").read_text(encoding="utf-8")
        self.setToolTip(caption)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed, QtWidgets.QSizePolicy.Policy.Fixed)
        self.apply_style(Style())

    def apply_style(self, style: Style) -> None:
        self.load(QtCore.QByteArray(self._svg.replace(EQUATION_INK, style.theme.fg).encode()))
        self.renderer().setAspectRatioMode(QtCore.Qt.AspectRatioMode.KeepAspectRatio)
        natural = self.renderer().defaultSize()
        scale = style.effective_font_scale * 1.1
        self.setFixedSize(round(natural.width() * scale), round(natural.height() * scale))


class EquationPanel(QtWidgets.QGroupBox):
    """A titled column of typeset equations, each with its caption as tooltip."""

    def __init__(self, title: str, equations: list[tuple[str, str]], parent=None):
        super().__init__(title, parent)
        layout = QtWidgets.QVBoxLayout(self)
        self.views = [EquationView(name, caption) for name, caption in equations]
        for view in self.views:
            layout.addWidget(view, alignment=QtCore.Qt.AlignmentFlag.AlignHCenter)

    def apply_style(self, style: Style) -> None:
        for view in self.views:
            view.apply_style(style)

    def shown(self) -> list[tuple[str, str]]:
        """(file name in resources/equations, caption) of each equation the panel shows."""
        return [(view.name, view.caption) for view in self.views if not view.isHidden()]
