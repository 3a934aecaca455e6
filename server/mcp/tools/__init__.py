"""Tools: the base interface, the registry and one module per tool (or family of tools)."""

from server.mcp.tools.base import Tool, ToolContext, ToolError, ToolResult
from server.mcp.tools.registry import ToolRegistry

__all__ = ["Tool", "ToolContext", "ToolError", "ToolRegistry", "ToolResult"]
