//! Camunda REST connector runtime (work in progress).
