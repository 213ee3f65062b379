"""The SVD tab's declared state (notes §1.1): the matrix and stage of the geometry view, the
image and rank of the low-rank view (a shipped picture, or the user's: embedded in the scene as
a PNG when small, else referenced by its path)."""

from mlphys_gui.state import Choice, Flag, Integer, Matrix, Real, Rule, Schema, Text
from mlphys_gui.user_files import EMBED_LIMIT, EMBED_TEXT_LIMIT, MAX_SIDE

ENTRY_LIMIT = 1000.0
DEFAULT_MATRIX = ((1.5, 0.5), (0.25, 1.0))
VIEWS = {"geometry": "Geometry: A = UΣVᵀ", "low-rank": "Low-rank image"}
IMAGES = {
    "physics_blackboard": "Blackboard",
    "interference": "Two-slit interference",
    "lattice_defect": "Lattice with a dislocation",
}
SHIPPED_RANK = 144  # every shipped image is 192 × 144 (tests check)
MAX_RANK = MAX_SIDE  # the user's image is shown at most this large on a side
USER_IMAGE = "file"
# an 8 × 8 grey gradient as an embedded image: a valid value other than "" (tests, the fuzz)
SAMPLE_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAAAAADhZOFXAAAACXBIWXMAAA7EAAAOxAGVKw4bAAAAE0lEQVQImWNkEIIA"
    "RigtxEQWAwCfSwR9UE0mggAAAABJRU5ErkJggg=="
)
IMAGE_CHOICES = {**IMAGES, USER_IMAGE: "Your image (Open image…)"}


def _user_image_known(values) -> str | None:
    if values["image"] == USER_IMAGE and not (values["image_file"] or values["image_png"]):
        return "no image of yours yet: Open image… (or drop a PNG or JPEG on the window)"
    return None


SCHEMA = Schema(
    {
        "view": Choice(
            default="geometry",
            label="view",
            options=VIEWS,
            tooltip="The geometry of A = UΣVᵀ, or the low-rank approximation of an image",
        ),
        "matrix": Matrix(
            default=DEFAULT_MATRIX,
            label="A",
            rows=2,
            cols=2,
            low=-ENTRY_LIMIT,
            high=ENTRY_LIMIT,
            tooltip="The 2×2 matrix A: type its entries or drag Ae₁, Ae₂ in the output plot",
            equation="eq. 1.3",
        ),
        "stage": Real(
            default=3.0,
            label="t",
            low=0.0,
            high=3.0,
            steps=300,
            digits=3,
            tooltip="0: identity · 1: after Vᵀ (rotate) · 2: after ΣVᵀ (stretch) · 3: A = UΣVᵀ",
            equation="eq. 1.3",
        ),
        "speed": Real(
            default=0.5,
            label="speed",
            low=0.1,
            high=3.0,
            log=True,
            digits=2,
            unit="stages/s",
            tooltip="How fast Play runs through the stages",
        ),
        "show_grid": Flag(default=True, label="Grid", tooltip="The square grid and its image"),
        "show_basis": Flag(
            default=True, label="e₁, e₂", tooltip="The unit vectors and their images"
        ),
        "show_singular_vectors": Flag(
            default=True,
            label="v₁, v₂ → σᵢuᵢ",
            tooltip="The right singular vectors; at t = 3 they have become σᵢuᵢ, the ellipse's "
            "semi-axes",
            equation="eq. 1.2",
        ),
        "image": Choice(
            default="physics_blackboard",
            label="image",
            options=IMAGE_CHOICES,
            tooltip="A picture treated as a matrix of pixel values (a colour one as three: red, "
            "green and blue); yours: Open image…, or drop a PNG or JPEG on the window",
        ),
        "image_file": Text(
            default="",
            label="image file",
            max_length=4096,
            examples=("lecture-hall.jpg",),
            tooltip="Your image's file: its path when the scene refers to it (too large to "
            "embed), else only its name",
            added_later=True,
        ),
        "image_png": Text(
            default="",
            label="embedded image",
            max_length=EMBED_TEXT_LIMIT,
            pattern=r"[A-Za-z0-9+/]*={0,2}",
            pattern_help="base64 text",
            examples=(SAMPLE_PNG,),
            tooltip=f"Your image as a base64 PNG, when its PNG is at most {EMBED_LIMIT // 1024} "
            "kB: the scene then needs no other file",
            added_later=True,
        ),
        "rank": Integer(
            default=10,
            label="k",
            low=1,
            high=MAX_RANK,
            tooltip="Keep the k largest singular values: A_k = Σ_{i≤k} σᵢ uᵢ vᵢᵀ (Eckart–Young); "
            "at most the image's smaller side",
        ),
    },
    rules=(Rule(("image", "image_file", "image_png"), _user_image_known),),
)
