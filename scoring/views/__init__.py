"""Views of the scoring, by audience: the expert (expert.py), the secretariat (ranking.py)."""
