"""Handouts: a PDF page per step with its title, figure (as vectors), equations and note; the
deck inside; written atomically; the lecturer's tabs untouched."""

import numpy as np
import pytest
from PyQt6 import QtCore, QtGui, QtPdf

from mlphys_gui.deck import Deck, Step, read_deck_file, write_deck_file
from mlphys_gui.handout import HandoutError, handout_bytes, write_handout
from mlphys_gui.tabs import PLAYABLE, SCHEMAS


def geometry_deck() -> Deck:
    svd = SCHEMAS["svd"].defaults()
    return Deck(
        (
            Step("svd", {**svd, "matrix": [[1.0, 1.0], [0.0, 1.0]]}, "A shear", "σ₁ = φ here."),
            Step(
                "svd",
                {**svd, "matrix": [[1.0, 0.0], [0.0, -1.0]], "stage": 0.0},
                "A reflection",
                "Σ carries the flip.",
                7.0,  # 0.5 stages/s: the stages run to t = 3 and stop there
            ),
            Step(
                "langevin",
                {**SCHEMAS["langevin"].defaults(), "n": 2000, "time": 0.5},
                "Particles",
                "Overdamped Langevin in a double well.",
            ),
        ),
        "Handout test",
    )


def pdf_document(path) -> QtPdf.QPdfDocument:
    document = QtPdf.QPdfDocument(None)
    document.load(str(path))
    assert document.status() == QtPdf.QPdfDocument.Status.Ready
    return document


def page_text(document: QtPdf.QPdfDocument, page: int) -> str:
    return document.getAllText(page).text()


def test_one_page_per_step_with_title_note_and_equations(window, tmp_path):
    deck = geometry_deck()
    path = tmp_path / "handout.pdf"
    assert write_handout(path, deck) == 3
    document = pdf_document(path)
    assert document.pageCount() == 3
    size = document.pagePointSize(0)
    assert (round(size.width()), round(size.height())) == (595, 842)  # A4 portrait
    for page, step in enumerate(deck.steps):
        text = page_text(document, page)
        assert step.title in text and step.note in text, page
        assert f"step {page + 1} of 3" in text
    first = page_text(document, 0)
    assert "Output, t = 3.00: A = UΣVᵀ" in first  # the figure's title is text: vectors
    assert "singular values are √ of the eigenvalues" in first  # an equation's caption
    assert "On arrival: plays for 7 s (shown after it)" in page_text(document, 1)
    assert "Output, t = 3.00" in page_text(document, 1)  # played to its end, not wrapped
    assert "eq. 9.4 for this drift" in page_text(document, 2)  # the Langevin tab's equations


def test_the_figures_and_equations_are_vectors(tmp_path):
    deck = Deck(geometry_deck().steps[:1], "Vectors")
    data = handout_bytes(deck)
    assert data.startswith(b"%PDF") and b"/Subtype /Image" not in data


def test_a_page_shows_the_figure_drawn(tmp_path):
    path = tmp_path / "handout.pdf"
    write_handout(path, Deck(geometry_deck().steps[:1]))
    image = (
        pdf_document(path)
        .render(0, QtCore.QSize(595, 842))
        .convertToFormat(QtGui.QImage.Format.Format_RGB32)
    )
    raw = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
    pixels = raw.reshape(image.height(), -1, 4)[:, : image.width(), :3].astype(int)
    figure = pixels[100:400, 40:555]  # BGRA in memory: channel 0 is blue, 2 is red
    blue = figure[..., 0] - figure[..., 2] > 30  # the circle, the ellipse and their fill
    assert blue.mean() > 0.05
    assert (pixels.reshape(-1, 3).min(axis=1) < 100).mean() > 0.005  # text and lines


def test_the_handout_carries_its_deck(window, tmp_path):
    deck = geometry_deck()
    path = tmp_path / "handout.pdf"
    write_handout(path, deck)
    assert read_deck_file(path, SCHEMAS, PLAYABLE) == deck
    assert window.lecture.open_deck(path)  # File → Open deck takes the handout
    assert window.lecture.player.deck == deck
    assert window.open_file(path) and window.lecture.player.index == 0


def test_the_lecturers_tabs_are_not_touched(window, tmp_path):
    write_deck_file(tmp_path / "deck.json", geometry_deck())
    assert window.lecture.open_deck(tmp_path / "deck.json")
    window.tabs["svd"].edit({"stage": 1.25})
    states = {name: tab.state() for name, tab in window.tabs.items()}
    undo = {name: tab.undo_stack.count() for name, tab in window.tabs.items()}
    assert window.lecture.export_handout(tmp_path / "out.pdf")
    assert "3 pages" in window.statusBar().currentMessage()
    assert {name: tab.state() for name, tab in window.tabs.items()} == states
    assert {name: tab.undo_stack.count() for name, tab in window.tabs.items()} == undo


@pytest.mark.parametrize("name", ["missing/handout.pdf", "handout.docx"])
def test_a_handout_that_cannot_be_written_leaves_nothing(window, tmp_path, name):
    write_deck_file(tmp_path / "deck.json", geometry_deck())
    assert window.lecture.open_deck(tmp_path / "deck.json")
    before = set(tmp_path.rglob("*"))
    assert not window.lecture.export_handout(tmp_path / name)
    message = window.statusBar().currentMessage()
    assert message.startswith("Handout not written:")
    assert ("does not exist" in message) if "missing" in name else (".pdf" in message)
    assert set(tmp_path.rglob("*")) == before
    with pytest.raises(HandoutError):
        write_handout(tmp_path / name, geometry_deck())


def test_a_cancelled_handout_leaves_nothing(tmp_path):
    from mlphys_gui.handout import HandoutCancelledError

    with pytest.raises(HandoutCancelledError):
        write_handout(tmp_path / "h.pdf", geometry_deck(), progress=lambda done, total: done < 2)
    assert list(tmp_path.iterdir()) == []
