"""Where statements come from: files (reading and decoding them), and feeds (fetching
them within bounds, and parsing them into entries). No SQL here: the database layer and
this one never import each other."""
