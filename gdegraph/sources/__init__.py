"""Loading the sources: curated Turtle, reference CSVs, the name gazetteer, inference, the assembled dataset."""
