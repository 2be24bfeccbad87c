//! plumb-hcl
