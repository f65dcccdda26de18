"""Final evaluation: ballot rounds, ballots and results (built by the final-evaluation issue)."""
