"""The SVD tab's declared state (notes §1.1): the matrix and stage of the geometry view, the
image and rank of the low-rank view."""

from mlphys_gui.state import Choice, Flag, Integer, Matrix, Real, Schema

ENTRY_LIMIT = 1000.0
DEFAULT_MATRIX = ((1.5, 0.5), (0.25, 1.0))
VIEWS = {"geometry": "Geometry: A = UΣVᵀ", "low-rank": "Low-rank image"}
IMAGES = {
    "physics_blackboard": "Blackboard",
    "interference": "Two-slit interference",
    "lattice_defect": "Lattice with a dislocation",
}
MAX_RANK = 144  # every shipped image is 192 × 144 (tests check)

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
            options=IMAGES,
            tooltip="A grey-level picture, treated as a matrix of pixel values",
        ),
        "rank": Integer(
            default=10,
            label="k",
            low=1,
            high=MAX_RANK,
            tooltip="Keep the k largest singular values: A_k = Σ_{i≤k} σᵢ uᵢ vᵢᵀ (Eckart–Young)",
        ),
    }
)
