"""Funnel analytics over any iterable of deals or a store query: conversion, win rate, forecast."""

from ._funnel import GroupBy, funnel, funnel_by, funnels
from ._report import ForecastLine, FunnelReport, Part, SizeStats, StageFunnel, rows_by_group

__all__ = [
    "ForecastLine",
    "FunnelReport",
    "GroupBy",
    "Part",
    "SizeStats",
    "StageFunnel",
    "funnel",
    "funnel_by",
    "funnels",
    "rows_by_group",
]
