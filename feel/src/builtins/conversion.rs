//! Built-in functions: conversion family.

use super::Row;

/// The conversion functions.
pub(super) const TABLE: &[Row] = &[];
