"""Static material for the devstore seeder: the catalogue, names, places and marketing sources.

Plain data only; `devstore.seed` decides how it is combined. Emails use the reserved
`example.*` domains and phones the 555 exchange, so no seeded contact can reach a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Catalogue: a men's grooming and lifestyle store ---------------------------------------


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

# --- People ---------------------------------------------------------------------------------

MALE_FIRST_NAMES = (
    "James Michael Robert John David William Richard Joseph Thomas Christopher Charles Daniel "
    "Matthew Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Jason Edward Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry "
    "Tyler Aaron Jose Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Christian "
    "Walter Keith Austin Roger Terry Sean Gerald Carl Dylan Harold Jordan Jesse Bryan Lawrence "
    "Arthur Gabriel Bruce Logan Billy Joe Alan Juan Elijah Willie Albert Wayne Randy Mason "
    "Vincent Liam Roy Bobby Caleb Bradley Russell Lucas Marcus Omar Darius Mateo Hiroshi Raj "
    "Andre Malik Diego Luis Carlos Wei Kwame Tariq Nikolai Finn Declan Rohan"
).split()
FEMALE_FIRST_NAMES = (
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
    "Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie "
    "Rebecca Sharon Laura Cynthia Amy Kathleen Angela Shirley Brenda Emma Anna Pamela Nicole "
    "Samantha Katherine Christine Rachel Olivia Hannah Priya Sofia Mei Aisha Maya Chloe"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips "
    "Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook "
    "Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward "
    "Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez "
    "Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan "
    "Bell Coleman Butler Henderson Barnes Fisher Vasquez Simmons Romero Jordan Patterson "
    "Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera "
    "Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison "
    "Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker "
    "Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason "
    "Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox "
    "Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan "
    "Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Hansen Peters Santos Hart "
    "O'Brien Kowalski Novak Larsen Okafor Mensah Yamamoto Singh Shah Haddad Rossi Dubois"
).split()

EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")

STREET_NAMES = (
    "Main St",
    "Oak Ave",
    "Maple St",
    "Cedar Ln",
    "Pine St",
    "Elm St",
    "Washington Ave",
    "Lake Dr",
    "Hill Rd",
    "Park Ave",
    "Bedford Ave",
    "Atlantic Ave",
    "Franklin St",
    "Highland Ave",
    "Sunset Blvd",
    "Madison Ave",
    "River Rd",
    "Church St",
    "Spring St",
    "Grand St",
    "Union St",
    "Broadway",
    "Jefferson St",
    "Lincoln Ave",
    "Mill Rd",
    "Chestnut St",
    "Walnut St",
    "Willow Way",
    "Prospect Pl",
    "Court St",
    "Water St",
    "Harbor View Dr",
    "Orchard Ln",
    "Meadow Ct",
    "Forest Ave",
    "College Ave",
    "Ridge Rd",
    "Summit Ave",
    "Kent Ave",
    "Greenpoint Ave",
)


@dataclass(frozen=True)
class City:
    name: str
    province: str
    province_code: str
    zip_prefix: str
    area_code: str
    latitude: float
    longitude: float
    weight: float  # share of the store's customers living there
    tax_rate: str  # combined sales tax, approximate


_STATES = {
    "NY": "New York",
    "NJ": "New Jersey",
    "CT": "Connecticut",
    "MA": "Massachusetts",
    "RI": "Rhode Island",
    "PA": "Pennsylvania",
    "MD": "Maryland",
    "DC": "District of Columbia",
    "VA": "Virginia",
    "NC": "North Carolina",
    "GA": "Georgia",
    "FL": "Florida",
    "TN": "Tennessee",
    "IL": "Illinois",
    "MI": "Michigan",
    "OH": "Ohio",
    "MN": "Minnesota",
    "WI": "Wisconsin",
    "MO": "Missouri",
    "CO": "Colorado",
    "UT": "Utah",
    "AZ": "Arizona",
    "TX": "Texas",
    "LA": "Louisiana",
    "CA": "California",
    "OR": "Oregon",
    "WA": "Washington",
    "NV": "Nevada",
    "NM": "New Mexico",
    "ID": "Idaho",
    "VT": "Vermont",
    "ME": "Maine",
    "HI": "Hawaii",
    "AK": "Alaska",
}


def _city(
    name: str, code: str, zip_prefix: str, area: str, lat: float, lon: float, weight: float, tax: str
) -> City:
    return City(name, _STATES[code], code, zip_prefix, area, lat, lon, weight, tax)


# The store's flagship is in Brooklyn, so the New York area is over-represented (local customers).
CITIES: tuple[City, ...] = (
    _city("Brooklyn", "NY", "112", "718", 40.6782, -73.9442, 9.0, "0.08875"),
    _city("New York", "NY", "100", "212", 40.7831, -73.9712, 8.0, "0.08875"),
    _city("Queens", "NY", "113", "718", 40.7282, -73.7949, 4.0, "0.08875"),
    _city("Bronx", "NY", "104", "718", 40.8448, -73.8648, 1.5, "0.08875"),
    _city("Staten Island", "NY", "103", "718", 40.5795, -74.1502, 1.0, "0.08875"),
    _city("Jersey City", "NJ", "073", "201", 40.7178, -74.0431, 2.5, "0.06625"),
    _city("Hoboken", "NJ", "070", "201", 40.7440, -74.0324, 1.5, "0.06625"),
    _city("Newark", "NJ", "071", "973", 40.7357, -74.1724, 1.0, "0.06625"),
    _city("Montclair", "NJ", "070", "973", 40.8259, -74.2090, 0.8, "0.06625"),
    _city("Yonkers", "NY", "107", "914", 40.9312, -73.8988, 0.8, "0.08875"),
    _city("White Plains", "NY", "106", "914", 41.0340, -73.7629, 0.6, "0.08375"),
    _city("Hempstead", "NY", "115", "516", 40.7062, -73.6187, 0.8, "0.08625"),
    _city("Stamford", "CT", "069", "203", 41.0534, -73.5387, 0.7, "0.0635"),
    _city("Boston", "MA", "021", "617", 42.3601, -71.0589, 2.5, "0.0625"),
    _city("Cambridge", "MA", "021", "617", 42.3736, -71.1097, 0.8, "0.0625"),
    _city("Providence", "RI", "029", "401", 41.8240, -71.4128, 0.6, "0.07"),
    _city("Philadelphia", "PA", "191", "215", 39.9526, -75.1652, 2.5, "0.08"),
    _city("Pittsburgh", "PA", "152", "412", 40.4406, -79.9959, 1.0, "0.07"),
    _city("Baltimore", "MD", "212", "410", 39.2904, -76.6122, 1.0, "0.06"),
    _city("Washington", "DC", "200", "202", 38.9072, -77.0369, 1.8, "0.06"),
    _city("Richmond", "VA", "232", "804", 37.5407, -77.4360, 0.6, "0.06"),
    _city("Charlotte", "NC", "282", "704", 35.2271, -80.8431, 1.0, "0.0725"),
    _city("Raleigh", "NC", "276", "919", 35.7796, -78.6382, 0.8, "0.0725"),
    _city("Atlanta", "GA", "303", "404", 33.7490, -84.3880, 1.8, "0.089"),
    _city("Miami", "FL", "331", "305", 25.7617, -80.1918, 1.5, "0.07"),
    _city("Orlando", "FL", "328", "407", 28.5383, -81.3792, 0.8, "0.065"),
    _city("Tampa", "FL", "336", "813", 27.9506, -82.4572, 0.8, "0.075"),
    _city("Nashville", "TN", "372", "615", 36.1627, -86.7816, 1.0, "0.0925"),
    _city("Chicago", "IL", "606", "312", 41.8781, -87.6298, 3.5, "0.1025"),
    _city("Detroit", "MI", "482", "313", 42.3314, -83.0458, 0.8, "0.06"),
    _city("Columbus", "OH", "432", "614", 39.9612, -82.9988, 0.8, "0.075"),
    _city("Cleveland", "OH", "441", "216", 41.4993, -81.6944, 0.6, "0.08"),
    _city("Minneapolis", "MN", "554", "612", 44.9778, -93.2650, 1.0, "0.08875"),
    _city("Milwaukee", "WI", "532", "414", 43.0389, -87.9065, 0.5, "0.055"),
    _city("St. Louis", "MO", "631", "314", 38.6270, -90.1994, 0.6, "0.09679"),
    _city("Kansas City", "MO", "641", "816", 39.0997, -94.5786, 0.6, "0.0885"),
    _city("Denver", "CO", "802", "303", 39.7392, -104.9903, 1.5, "0.0881"),
    _city("Salt Lake City", "UT", "841", "801", 40.7608, -111.8910, 0.6, "0.0775"),
    _city("Phoenix", "AZ", "850", "602", 33.4484, -112.0740, 1.2, "0.086"),
    _city("Austin", "TX", "787", "512", 30.2672, -97.7431, 1.8, "0.0825"),
    _city("Dallas", "TX", "752", "214", 32.7767, -96.7970, 1.5, "0.0825"),
    _city("Houston", "TX", "770", "713", 29.7604, -95.3698, 1.5, "0.0825"),
    _city("San Antonio", "TX", "782", "210", 29.4241, -98.4936, 0.8, "0.0825"),
    _city("New Orleans", "LA", "701", "504", 29.9511, -90.0715, 0.6, "0.0945"),
    _city("Los Angeles", "CA", "900", "213", 34.0522, -118.2437, 3.5, "0.095"),
    _city("San Diego", "CA", "921", "619", 32.7157, -117.1611, 1.2, "0.0775"),
    _city("San Francisco", "CA", "941", "415", 37.7749, -122.4194, 2.0, "0.08625"),
    _city("Oakland", "CA", "946", "510", 37.8044, -122.2712, 0.8, "0.1025"),
    _city("Sacramento", "CA", "958", "916", 38.5816, -121.4944, 0.6, "0.0875"),
    _city("Portland", "OR", "972", "503", 45.5152, -122.6784, 1.5, "0.00"),
    _city("Seattle", "WA", "981", "206", 47.6062, -122.3321, 1.8, "0.1025"),
    _city("Las Vegas", "NV", "891", "702", 36.1699, -115.1398, 0.6, "0.08375"),
    _city("Albuquerque", "NM", "871", "505", 35.0844, -106.6504, 0.4, "0.07875"),
    _city("Boise", "ID", "837", "208", 43.6150, -116.2023, 0.4, "0.06"),
    _city("Burlington", "VT", "054", "802", 44.4759, -73.2121, 0.3, "0.07"),
    _city("Portland", "ME", "041", "207", 43.6591, -70.2568, 0.4, "0.055"),
    _city("Honolulu", "HI", "968", "808", 21.3069, -157.8583, 0.3, "0.045"),
    _city("Anchorage", "AK", "995", "907", 61.2181, -149.9003, 0.2, "0.00"),
)

# --- Store locations (REST Location fields plus coordinates) ---------------------------------

LOCATIONS = (
    {
        "name": "Williamsburg Flagship",
        "address1": "214 Bedford Ave",
        "city": "Brooklyn",
        "zip": "11249",
        "province": "New York",
        "province_code": "NY",
        "phone": "+17185550142",
        "latitude": 40.7168,
        "longitude": -73.9588,
        "retail": True,
    },
    {
        "name": "Secaucus Warehouse",
        "address1": "600 Meadowlands Pkwy",
        "city": "Secaucus",
        "zip": "07094",
        "province": "New Jersey",
        "province_code": "NJ",
        "phone": "+12015550187",
        "latitude": 40.7895,
        "longitude": -74.0565,
        "retail": False,
    },
)

# --- Acquisition ------------------------------------------------------------------------------

# channel -> (weight for a first order, referring site or None for direct/email)
ACQUISITION_CHANNELS: dict[str, tuple[float, str | None]] = {
    "google_organic": (22, "https://www.google.com/"),
    "google_ads": (11, "https://www.google.com/"),
    "instagram": (16, "https://l.instagram.com/"),
    "facebook": (10, "https://m.facebook.com/"),
    "tiktok": (4, "https://www.tiktok.com/"),
    "email": (7, None),
    "direct": (22, None),
    "bing": (2, "https://www.bing.com/"),
    "reddit": (3, "https://www.reddit.com/r/beards/"),
    "blog": (3, "https://www.gearpatrol.example/grooming/best-beard-oils"),
}

# Channels of later orders: retention runs mostly on email and habit.
REPEAT_CHANNELS = {"email": 34, "direct": 40, "google_organic": 14, "instagram": 8, "facebook": 4}

# How much a channel changes the chance that a first-time buyer never comes back.
CHANNEL_ONE_TIME_BIAS = {
    "google_ads": 0.10,
    "facebook": 0.12,
    "tiktok": 0.15,
    "instagram": 0.04,
    "email": -0.12,
    "direct": -0.06,
    "google_organic": -0.03,
    "reddit": -0.08,
    "blog": 0.0,
    "bing": 0.0,
}

UTM = {
    "google_ads": "utm_source=google&utm_medium=cpc&utm_campaign={campaign}&gclid={click}",
    "instagram": "utm_source=instagram&utm_medium=social&utm_campaign={campaign}",
    "facebook": "utm_source=facebook&utm_medium=paid_social&utm_campaign={campaign}&fbclid={click}",
    "tiktok": "utm_source=tiktok&utm_medium=paid_social&utm_campaign={campaign}",
    "email": "utm_source=shopify_email&utm_medium=email&utm_campaign={campaign}",
}
CAMPAIGNS = ("beard_season", "shave_better", "new_arrivals", "gift_guide", "bestsellers", "restock")

SURVEY_ANSWERS = {
    "google_organic": "Google search",
    "google_ads": "Google search",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "tiktok": "TikTok",
    "email": "Newsletter",
    "direct": "Friend or family",
    "bing": "Other",
    "reddit": "Reddit",
    "blog": "Blog or article",
}

CUSTOMER_NOTES = (
    "Prefers unscented products.",
    "Allergic to nuts: no argan oil.",
    "Met at the Brooklyn Flea pop-up.",
    "Asked about a subscription for beard oil.",
    "Gift buyer; ships to partner's address.",
)

REFUND_NOTES = ("Damaged in transit", "Changed mind", "Wrong scent", "Leaking bottle", None)

USER_AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
)
