"""Date formats of our own, where Django's locale defaults read badly in an office's report."""
