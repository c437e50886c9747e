"""The strategy engine: national priorities, the capability model (science × technology ×
trade), value-chain gaps, partner recommendations with reasons, and briefs for the posts."""
