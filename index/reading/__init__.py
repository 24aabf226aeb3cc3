"""Reading reports: a corpus file → a decoded report → its title, places, year, sections and passages."""
