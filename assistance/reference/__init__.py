"""Reference data the cases name: administrative areas and the places a case names."""
