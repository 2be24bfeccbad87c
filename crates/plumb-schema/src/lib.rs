//! plumb-schema
