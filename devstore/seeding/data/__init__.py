"""Static material for the seeder: the catalogue, names, places, marketing sources and notes.

Plain data only; the modules one level up decide how it is combined. Emails use the reserved
`example.*` domains and phones the 555 exchange, so no seeded contact can reach a real person.
"""
