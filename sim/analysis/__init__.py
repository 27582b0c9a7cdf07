"""Analysis of finished experiments: statistics over runs, read from the experiment folders."""
