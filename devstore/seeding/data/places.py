"""Where customers live and where the store is: streets, cities with their taxes, store locations.

Phones are built on each city's area code and the 555 exchange, so none reaches a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

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
