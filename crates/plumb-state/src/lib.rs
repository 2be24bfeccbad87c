//! plumb-state
