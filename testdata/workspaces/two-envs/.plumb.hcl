# One nightly scan over both environments: the live side is read once for the two.
workspaces = [
  "dev=envs/dev",
  "prod=envs/prod",
]
