"""SVD geometry (notes §1.1): A = UΣVᵀ maps the unit circle to an ellipse, and low-rank images.

Two views. *Geometry*: a 2×2 matrix A, typed or dragged by the images Ae₁, Ae₂; a stage slider
t ∈ [0, 3] applies Vᵀ (rotate), then Σ (stretch), then U (rotate). *Low-rank image*: the best
rank-k approximation of a picture (Eckart–Young), its error and storage: a shipped one, or the
user's PNG or JPEG (Open image…, drag and drop, --image). Numerics: core.svd.
"""

from pathlib import Path

from PyQt6 import QtWidgets

from mlphys_gui.state import Change
from mlphys_gui.style import Style
from mlphys_gui.tabs.base import TabBase
from mlphys_gui.tabs.svd.geometry import GeometryPage
from mlphys_gui.tabs.svd.low_rank import LowRankPage
from mlphys_gui.tabs.svd.state import SCHEMA, VIEWS

GEOMETRY_KEYS = ("matrix", "stage", "show_grid", "show_basis", "show_singular_vectors")
IMAGE_KEYS = ("image", "image_file", "image_png")


class SvdTab(TabBase):
    """Notes §1.1: the geometry of A = UΣVᵀ, and low-rank approximation."""

    name = "svd"
    title = "SVD geometry"
    SCHEMA = SCHEMA
    accepts = {"image": "a picture for the low-rank view (grey or colour)"}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.geometry_page = GeometryPage(self)
        self.low_rank_page = LowRankPage(self)
        self.pages = QtWidgets.QTabWidget()
        for key, label in VIEWS.items():
            page = self.geometry_page if key == "geometry" else self.low_rank_page
            self.pages.addTab(page, label)
        self.controls.pages("view", self.pages)
        self.pages.currentChanged.connect(self._pause_hidden_page)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    @property
    def animator(self):
        """Space, → and recordings drive the view that is showing."""
        return self.current_page().animator

    def current_page(self):
        return self.pages.currentWidget()

    def _pause_hidden_page(self, _index: int = 0) -> None:
        for page in (self.geometry_page, self.low_rank_page):
            if page is not self.current_page():
                page.animator.pause()

    def state_changed(self, change: Change) -> None:
        if "view" in change.keys:
            self._pause_hidden_page()
        if change.touches(GEOMETRY_KEYS):
            self.geometry_page.redraw(rescale="matrix" in change.keys and not self.dragging)
        if change.touches(IMAGE_KEYS):
            self.low_rank_page.show_image()
        elif "rank" in change.keys:
            self.low_rank_page.show_rank()

    def restore(self, state, label="Open scene") -> None:
        for page in (self.geometry_page, self.low_rank_page):
            page.animator.pause()
        super().restore(state, label)

    def reset(self) -> None:
        """R: the default state, staying in the view that is showing."""
        state = self.default_state()
        state["view"] = self.model["view"]
        self.restore(state, label="Reset")

    def import_file(self, kind: str, path: Path) -> str:
        if kind != "image":
            return super().import_file(kind, path)
        return self.low_rank_page.open_file(path)

    def settle(self) -> None:
        self.low_rank_page.settle()

    def figure_view(self) -> QtWidgets.QGraphicsView:
        return self.current_page().view

    def plotted_data(self):
        return self.current_page().plotted_data()

    def apply_style(self, style: Style) -> None:
        self.geometry_page.apply_style(style)
        self.low_rank_page.apply_style(style)
