// Tandem's small browser helpers.
