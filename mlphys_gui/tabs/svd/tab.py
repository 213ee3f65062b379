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
from mlphys_gui.widgets.panels import OnDemand

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
        self._style: Style | None = None
        self.geometry_page = GeometryPage(self)
        # the low-rank view (an image and its SVD) is built when first shown: the app opens
        # on the geometry view sooner (issue 14)
        self._low_rank = OnDemand(self._make_low_rank_page)
        self.controls.defer(("image", "rank"), lambda: self.low_rank_page)
        self.pages = QtWidgets.QTabWidget()
        for key, label in VIEWS.items():
            self.pages.addTab(self.geometry_page if key == "geometry" else self._low_rank, label)
        self.controls.pages("view", self.pages)
        self.pages.currentChanged.connect(self._view_shown)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    @property
    def low_rank_page(self) -> LowRankPage:
        return self._low_rank.content()

    @property
    def low_rank_page_built(self) -> bool:
        return self._low_rank.is_built()

    def _make_low_rank_page(self) -> LowRankPage:
        page = LowRankPage(self)
        if self._style is not None:
            page.apply_style(self._style)
        return page

    def _built_pages(self) -> list:
        return [self.geometry_page] + ([self.low_rank_page] if self.low_rank_page_built else [])

    @property
    def animator(self):
        """Space, → and recordings drive the view that is showing."""
        return self.current_page().animator

    def current_page(self):
        return self.geometry_page if self.pages.currentIndex() == 0 else self.low_rank_page

    def _view_shown(self, _index: int = 0) -> None:
        """The view shown is built; the other one's animation pauses."""
        shown = self.current_page()
        for page in self._built_pages():
            if page is not shown:
                page.animator.pause()

    def state_changed(self, change: Change) -> None:
        if "view" in change.keys:
            self._view_shown()
        if change.touches(GEOMETRY_KEYS):
            self.geometry_page.redraw(rescale="matrix" in change.keys and not self.dragging)
        if not self.low_rank_page_built:
            return  # it shows the state when it is built
        if change.touches(IMAGE_KEYS):
            self.low_rank_page.show_image()
        elif "rank" in change.keys:
            self.low_rank_page.show_rank()

    def restore(self, state, label="Open scene") -> None:
        for page in self._built_pages():
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

    def equations(self) -> list[tuple[str, str]]:
        return self.current_page().panel.equations.shown()

    def apply_style(self, style: Style) -> None:
        self._style = style
        for page in self._built_pages():
            page.apply_style(style)
