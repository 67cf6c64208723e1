"""The catalogue: a men's grooming and lifestyle store, and which category a customer favours."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProductSpec:
    """One catalogue entry. Prices are decimal strings, as Shopify sends them."""

    title: str
    product_type: str
    vendor: str
    tags: tuple[str, ...]
    variants: tuple[tuple[str, str], ...]  # (option value, price); ("Default Title", p) if none
    option_name: str = "Title"
    replenish_days: int | None = None  # consumables: typical days until a repeat purchase
    companions: tuple[str, ...] = ()  # handles often bought in the same basket
    popularity: float = 1.0
    grams: int = 120
    status: str = "active"
    launch_day: int = 0  # days after the store opened that the product went on sale
    retire_day: int | None = None  # archived products stopped selling on this day


HOUSE = "Orbit Grooming Co."
APOTHECARY = "Northwood Apothecary"
RAZORS = "Harbor Razor Works"
LEATHER = "Kinfolk Leather"
SUPPLY = "Field Supply"

SCENTS = ("Cedar & Sandalwood", "Citrus & Vetiver", "Unscented")


def _same_price(values: tuple[str, ...], price: str) -> tuple[tuple[str, str], ...]:
    return tuple((value, price) for value in values)


def _single(price: str) -> tuple[tuple[str, str], ...]:
    return (("Default Title", price),)


P = ProductSpec
# fmt: off
# (one product per entry reads better than one argument per line)
PRODUCTS: tuple[ProductSpec, ...] = (
    # Beard care: the store's heart, and the clearest replenishment cycle.
    P("Beard Oil", "Beard Care", HOUSE, ("beard", "oil", "bestseller"), _same_price(SCENTS, "24.00"),
      "Scent", 60, ("beard-balm", "beard-brush", "beard-wash"), 9.0, 90),
    P("Beard Balm", "Beard Care", HOUSE, ("beard", "balm"), _same_price(SCENTS, "22.00"), "Scent", 75,
      ("beard-oil", "sandalwood-beard-comb"), 6.0, 110),
    P("Beard Wash", "Beard Care", HOUSE, ("beard", "wash"), _single("18.00"), "Title", 45,
      ("beard-conditioner", "beard-oil"), 4.0, 250),
    P("Beard Conditioner", "Beard Care", HOUSE, ("beard", "conditioner"), _single("18.00"), "Title", 50,
      ("beard-wash",), 2.5, 250),
    P("Beard Wax", "Beard Care", HOUSE, ("beard", "wax", "styling"), _single("20.00"), "Title", 90,
      ("sandalwood-beard-comb", "beard-balm"), 1.5, 60),
    P("Beard Brush", "Beard Care", SUPPLY, ("beard", "tools", "boar-bristle"), _single("28.00"),
      companions=("beard-oil", "beard-balm"), popularity=2.5, grams=140),
    P("Sandalwood Beard Comb", "Beard Care", SUPPLY, ("beard", "tools"), _single("16.00"),
      companions=("beard-balm", "beard-oil"), popularity=2.5, grams=40),
    P("Beard Growth Serum", "Beard Care", APOTHECARY, ("beard", "serum"), _single("34.00"), "Title", 45,
      ("beard-oil", "beard-brush"), 1.5, 60, launch_day=240),
    P("Travel Beard Oil 10ml", "Beard Care", HOUSE, ("beard", "oil", "travel"),
      _same_price(SCENTS[:2], "12.00"), "Scent", 40, ("beard-oil",), 1.2, 30),
    P("Precision Beard Trimmer", "Beard Care", SUPPLY, ("beard", "tools", "electric"), _single("79.00"),
      companions=("beard-oil", "beard-shaping-tool"), popularity=1.2, grams=320),
    P("Beard Shaping Tool", "Beard Care", SUPPLY, ("beard", "tools"), _single("14.00"),
      companions=("precision-beard-trimmer",), popularity=0.8, grams=30),
    P("Peppermint Beard Oil", "Beard Care", HOUSE, ("beard", "oil", "limited"), _single("24.00"),
      "Title", 60, ("beard-balm",), 1.5, 90, status="archived", retire_day=300),
    P("Beard Care Kit", "Gift Sets", HOUSE, ("beard", "gift", "kit"), _single("69.00"),
      companions=("beard-brush",), popularity=2.0, grams=520),
    # Shaving.
    P("Safety Razor", "Shaving", RAZORS, ("shave", "razor"),
      _same_price(("Chrome", "Gunmetal"), "45.00"), "Finish", None,
      ("razor-blades-20-pack", "shaving-cream", "shaving-brush"), 3.0, 110),
    P("Razor Blades 20 Pack", "Shaving", RAZORS, ("shave", "blades"), _single("12.00"), "Title", 40,
      ("shaving-cream",), 5.0, 40),
    P("Shaving Cream", "Shaving", HOUSE, ("shave", "cream"), _same_price(SCENTS, "22.00"), "Scent", 55,
      ("aftershave-balm", "pre-shave-oil", "razor-blades-20-pack"), 5.0, 180),
    P("Pre-Shave Oil", "Shaving", HOUSE, ("shave", "oil"), _single("20.00"), "Title", 90,
      ("shaving-cream",), 2.0, 60),
    P("Aftershave Balm", "Shaving", HOUSE, ("shave", "aftershave"), _single("24.00"), "Title", 70,
      ("shaving-cream", "alum-block"), 3.5, 120),
    P("Badger Shaving Brush", "Shaving", RAZORS, ("shave", "tools"), _single("38.00"),
      companions=("shaving-cream", "razor-stand"), popularity=1.5, grams=120),
    P("Shaving Brush", "Shaving", RAZORS, ("shave", "tools", "vegan"), _single("29.00"),
      companions=("shaving-cream",), popularity=1.8, grams=100),
    P("Razor Stand", "Shaving", RAZORS, ("shave", "tools"), _single("18.00"),
      companions=("safety-razor",), popularity=0.8, grams=150),
    P("Alum Block", "Shaving", APOTHECARY, ("shave",), _single("14.00"), "Title", 180,
      ("aftershave-balm",), 0.8, 90),
    P("Styptic Pencil", "Shaving", APOTHECARY, ("shave",), _single("6.00"), popularity=0.6, grams=15),
    P("Shave Starter Kit", "Gift Sets", RAZORS, ("shave", "gift", "kit"), _single("79.00"),
      companions=("razor-blades-20-pack",), popularity=1.5, grams=600),
    # Skin care.
    P("Daily Face Wash", "Skin Care", APOTHECARY, ("skin", "face"), _single("20.00"), "Title", 45,
      ("daily-moisturizer-spf-15", "exfoliating-scrub"), 4.0, 200),
    P("Daily Moisturizer SPF 15", "Skin Care", APOTHECARY, ("skin", "face", "spf"), _single("28.00"),
      "Title", 50, ("daily-face-wash", "eye-cream"), 3.5, 90),
    P("Eye Cream", "Skin Care", APOTHECARY, ("skin", "face"), _single("32.00"), "Title", 90,
      ("daily-moisturizer-spf-15",), 1.5, 40),
    P("Exfoliating Scrub", "Skin Care", APOTHECARY, ("skin", "face"), _single("22.00"), "Title", 75,
      ("daily-face-wash", "clay-mask"), 1.8, 120),
    P("Clay Mask", "Skin Care", APOTHECARY, ("skin", "face"), _single("26.00"), "Title", 90,
      ("exfoliating-scrub",), 1.2, 120),
    P("Lip Balm", "Skin Care", HOUSE, ("skin", "impulse"), _single("6.00"), "Title", 60, (), 2.5, 15),
    P("Body Wash", "Skin Care", HOUSE, ("body", "wash"), _same_price(SCENTS[:2], "16.00"), "Scent", 40,
      ("bar-soap-3-pack",), 3.0, 400),
    P("Bar Soap 3 Pack", "Skin Care", HOUSE, ("body", "soap"), _same_price(SCENTS, "18.00"), "Scent",
      60, ("body-wash",), 2.5, 330),
    P("Charcoal Face Mask", "Skin Care", APOTHECARY, ("skin", "face", "coming-soon"), _single("28.00"),
      status="draft"),
    # Hair care.
    P("Daily Shampoo", "Hair Care", HOUSE, ("hair", "shampoo"), _single("18.00"), "Title", 45,
      ("daily-conditioner", "matte-pomade"), 4.0, 300),
    P("Daily Conditioner", "Hair Care", HOUSE, ("hair", "conditioner"), _single("18.00"), "Title", 50,
      ("daily-shampoo",), 3.0, 300),
    P("Matte Pomade", "Hair Care", HOUSE, ("hair", "styling"), _single("22.00"), "Title", 70,
      ("sea-salt-spray", "wooden-hair-comb"), 3.5, 100),
    P("Styling Clay", "Hair Care", HOUSE, ("hair", "styling"), _single("22.00"), "Title", 70,
      ("sea-salt-spray",), 2.5, 100),
    P("Sea Salt Spray", "Hair Care", APOTHECARY, ("hair", "styling"), _single("20.00"), "Title", 80,
      ("matte-pomade", "styling-clay"), 1.8, 200),
    P("Hair Tonic", "Hair Care", APOTHECARY, ("hair",), _single("24.00"), "Title", 90, (), 1.0, 200,
      launch_day=420),
    P("Wooden Hair Comb", "Hair Care", SUPPLY, ("hair", "tools"), _single("12.00"),
      companions=("matte-pomade",), popularity=1.2, grams=30),
    # Fragrance.
    P("Cedar No. 5 Eau de Parfum", "Fragrance", HOUSE, ("fragrance", "cedar"),
      (("50ml", "85.00"), ("100ml", "125.00")), "Size", 200, ("solid-cologne",), 1.8, 250),
    P("Vetiver Eau de Parfum", "Fragrance", HOUSE, ("fragrance", "vetiver"),
      (("50ml", "85.00"), ("100ml", "125.00")), "Size", 200, ("solid-cologne",), 1.3, 250),
    P("Solid Cologne", "Fragrance", HOUSE, ("fragrance", "travel"), _same_price(SCENTS[:2], "28.00"),
      "Scent", 120, (), 1.5, 30),
    P("Natural Deodorant", "Fragrance", APOTHECARY, ("body", "deodorant"), _same_price(SCENTS, "14.00"),
      "Scent", 35, ("body-wash",), 4.0, 80),
    P("Fragrance Discovery Set", "Fragrance", HOUSE, ("fragrance", "sample"), _single("30.00"),
      companions=("cedar-no-5-eau-de-parfum",), popularity=1.2, grams=60, launch_day=150),
    # Accessories and lifestyle: bought once, often as gifts.
    P("Leather Dopp Kit", "Accessories", LEATHER, ("leather", "travel", "gift"),
      _same_price(("Tan", "Black"), "65.00"), "Color", None, ("travel-beard-oil-10ml",), 1.8, 450),
    P("Canvas Toiletry Bag", "Accessories", SUPPLY, ("travel", "gift"), _single("38.00"),
      popularity=1.0, grams=300),
    P("Leather Wallet", "Accessories", LEATHER, ("leather", "gift"),
      _same_price(("Tan", "Black"), "55.00"), "Color", None, ("leather-card-holder",), 1.5, 120),
    P("Leather Card Holder", "Accessories", LEATHER, ("leather", "gift"),
      _same_price(("Tan", "Black"), "35.00"), "Color", None, (), 1.2, 60),
    P("Grooming Scissors", "Accessories", SUPPLY, ("tools",), _single("24.00"),
      companions=("sandalwood-beard-comb",), popularity=1.0, grams=50),
    P("Soy Candle Tobacco & Oak", "Lifestyle", HOUSE, ("home", "candle", "gift"), _single("32.00"),
      "Title", 120, (), 1.5, 400),
    P("Enamel Camp Mug", "Lifestyle", SUPPLY, ("home", "gift"), _single("18.00"), popularity=0.8, grams=250),
    P("Whiskey Stones", "Lifestyle", SUPPLY, ("home", "gift"), _single("22.00"), popularity=0.8, grams=300),
    P("Stainless Hip Flask", "Lifestyle", SUPPLY, ("gift",), _single("35.00"), popularity=0.6, grams=200),
    P("Orbit Logo Tee", "Lifestyle", HOUSE, ("apparel",), _same_price(("S", "M", "L", "XL"), "30.00"),
      "Size", None, (), 1.0, 180),
    P("Waxed Canvas Cap", "Lifestyle", SUPPLY, ("apparel",), _single("32.00"), popularity=0.8,
      grams=120, launch_day=330),
    P("Holiday Gift Set", "Gift Sets", HOUSE, ("gift", "holiday", "limited"), _single("95.00"),
      popularity=1.5, grams=800, status="archived", launch_day=60, retire_day=140),
    P("The Gentleman Gift Set", "Gift Sets", HOUSE, ("gift", "kit"), _single("110.00"), popularity=1.2,
      grams=900, launch_day=400),
    P("Travel Shave Kit", "Gift Sets", RAZORS, ("shave", "travel", "coming-soon"), _single("59.00"),
      status="draft"),
)
# fmt: on
del P


# Which category a customer favours; drives their first basket.
CATEGORY_WEIGHTS = {
    "Beard Care": 32,
    "Shaving": 20,
    "Skin Care": 15,
    "Hair Care": 14,
    "Fragrance": 8,
    "Accessories": 5,
    "Lifestyle": 3,
    "Gift Sets": 3,
}
