"""swtrain: bilingual medical social-work cases, answered in widgets, graded as data."""
