"""Review: capture each revision, run the rules over the facts, report findings."""
