"""The workspace's panels: each renders one part of a suggestion or of the contact."""
