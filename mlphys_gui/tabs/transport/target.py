"""The transport tab's target, as the user edits it: in the component table (small mixtures), by
dragging the ◯ markers, by clicking the density plots (left: a component there; right: remove
the nearest), or made from a picture or a point cloud of their own (core.mixture_fit: up to 256
components, so the samplers' fields stay exact). Every change is one undo step of the tab."""

from pathlib import Path

import numpy as np
from PyQt6 import QtCore

from core import datafiles, mixture_fit
from mlphys_gui.state import InvalidValueError
from mlphys_gui.tabs.transport.figure import HANDLE_LIMIT
from mlphys_gui.tabs.transport.state import MEAN_LIMIT, default_rows
from mlphys_gui.user_files import UserFileError, read_bytes, read_image
from mlphys_gui.widgets.components import STD_RANGE

HALF_WIDTH = 3.0  # a picture or cloud is scaled into [−3, 3]²: inside the means' ±3.5
PICTURE_SIDE = 256  # pictures are decoded at most this large (the cells are coarser anyway)
MAX_POINT_ROWS = 100_000  # rows of a point cloud read
FIT_POINTS = 10_000  # k-means sees at most this many of them (a seeded subsample)
CLICKED_STD = 0.3  # σ of a component placed by a click
HANDLE_PIXELS = 12  # a click this close to a marker is the marker's, not a new component


def rows_of(mixture) -> np.ndarray:
    """A fitted mixture as the table's rows [w, mean…, σ], the largest weight 1."""
    rows = np.array(mixture.rows())
    rows[:, 0] /= rows[:, 0].max()
    return rows


class TargetEditing(QtCore.QObject):
    """Turns the user's actions on the target into edits of the tab's state."""

    def __init__(self, tab):
        super().__init__(tab)
        self._tab = tab
        tab.components.changed.connect(self._table_edited)
        tab.components.rejected.connect(tab.message)
        tab.panel.default_target_button.clicked.connect(
            lambda: tab.edit({self.key: default_rows(tab.dim)}, label="Default target")
        )
        for view in (tab.figure.view_1d, tab.figure.view_2d):
            view.scene().sigMouseClicked.connect(self._plot_clicked)

    @property
    def key(self) -> str:
        return f"target_{self._tab.model['dimension']}"

    @property
    def rows(self) -> np.ndarray:
        return self._tab.model[self.key]

    def show(self) -> None:
        """The table (or its summary) and the markers show the current target."""
        tab = self._tab
        tab.components.set_rows(self.rows.tolist(), tab.dim)
        tab.figure.place_handles(tab.processes, self.rows, tab.dim, self._handle_dragged)

    def _table_edited(self, rows: list[list[float]]) -> None:
        if not self._tab.edit({self.key: rows}, label="Edit target"):
            self.show()  # the editor shows the state again

    def _handle_dragged(self, i: int, handle) -> None:
        position = handle.pos()
        rows = np.array(self.rows)
        rows[i, 1] = float(np.clip(position.x(), -MEAN_LIMIT, MEAN_LIMIT))
        if self._tab.dim == 2:
            rows[i, 2] = float(np.clip(position.y(), -MEAN_LIMIT, MEAN_LIMIT))
        self._tab.edit({self.key: rows}, label=f"Move component {i + 1}")

    # ---------------------------------------------------------------- clicks
    def _plot_clicked(self, event) -> None:
        """Left click in a density plot: a component there; right click: remove the nearest."""
        if event.isAccepted():
            return
        tab = self._tab
        for process in tab.processes:
            panel = tab.figure.panels[process]
            plot = panel.plot_2d if tab.dim == 2 else panel.density_plot
            box = plot.vb
            if not box.sceneBoundingRect().contains(event.scenePos()):
                continue
            point = box.mapSceneToView(event.scenePos())
            where = np.array([point.x(), point.y()][: tab.dim])
            pixel = box.viewPixelSize()[0]
            if event.button() == QtCore.Qt.MouseButton.LeftButton:
                self._add_at(where, pixel)
            elif event.button() == QtCore.Qt.MouseButton.RightButton:
                self.remove_nearest(where)
            event.accept()
            return

    def _nearest(self, where: np.ndarray) -> tuple[int, float]:
        distances = np.linalg.norm(self.rows[:, 1:-1] - where, axis=1)
        index = int(np.argmin(distances))
        return index, float(distances[index])

    def _add_at(self, where: np.ndarray, pixel: float) -> None:
        if len(self.rows) <= HANDLE_LIMIT and self._nearest(where)[1] < HANDLE_PIXELS * pixel:
            return  # a click on a marker (to drag it), not beside it
        self.add_component(where)

    def add_component(self, where: np.ndarray) -> None:
        """A component at ``where`` with the mean weight of the others and σ = 0.3."""
        rows = self.rows
        mean = np.clip(where, -MEAN_LIMIT, MEAN_LIMIT)
        new = [float(np.mean(rows[:, 0])), *map(float, mean), CLICKED_STD]
        at = ", ".join(f"{v:.2g}" for v in mean)
        if len(rows) >= self._tab.SCHEMA.params[self.key].max_rows:
            self._tab.message.emit(f"At most {len(rows)} components: remove some first")
            return
        self._tab.edit({self.key: np.vstack([rows, new])}, label=f"Add component at ({at})")

    def remove_nearest(self, where: np.ndarray) -> None:
        """Remove the component whose mean is nearest ``where`` (one always stays)."""
        rows = self.rows
        if len(rows) == 1:
            self._tab.message.emit("The target needs at least one component")
            return
        index, _ = self._nearest(where)
        self._tab.edit({self.key: np.delete(rows, index, axis=0)}, label="Remove component")

    # ---------------------------------------------------------------- the user's files
    def import_file(self, kind: str, path: Path) -> str:
        """A picture (a 2-D target) or a point cloud (x: 1-D, x and y: 2-D) as the target."""
        if kind == "image":
            image = read_image(path, max_side=PICTURE_SIDE)
            pixels = image.pixels
            grey = pixels if pixels.ndim == 2 else pixels @ np.array([0.299, 0.587, 0.114])
            mass = mixture_fit.image_mass(np.clip(grey, 0.0, 255.0), image.alpha)
            if not mass.max() > 0:
                raise UserFileError(f"{path.name} is one flat colour: there is no shape in it")
            mixture = mixture_fit.mixture_from_image(mass, HALF_WIDTH, min_std=STD_RANGE[0])
            how = f"{mixture.k} components, one per occupied cell of the picture"
        else:
            try:
                table = datafiles.read_points(read_bytes(path), path.name, max_rows=MAX_POINT_ROWS)
            except datafiles.DataFileError as error:
                raise UserFileError(str(error)) from None
            points = table.values
            mixture = mixture_fit.mixture_from_points(
                points,
                HALF_WIDTH,
                max_points=FIT_POINTS,
                min_std=STD_RANGE[0],
                max_std=STD_RANGE[1],
            )
            used = min(len(points), FIT_POINTS)
            thinned = f", fitted to {used} of them" if used < len(points) else ""
            how = f"{len(points)} points{thinned}: {mixture.k} components (k-means)"
        dimension = "2d" if mixture.dim == 2 else "1d"
        try:
            self._tab.apply_edit(
                {"dimension": dimension, f"target_{dimension}": rows_of(mixture)},
                label=f"Load target {path.name}",
            )
        except InvalidValueError as error:
            raise UserFileError(f"{path.name} not used: {error}") from None
        return f"Target from {path.name}: {how}"
