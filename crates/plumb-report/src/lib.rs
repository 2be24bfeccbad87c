//! plumb-report
