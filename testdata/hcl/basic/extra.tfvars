env = "var-file"
