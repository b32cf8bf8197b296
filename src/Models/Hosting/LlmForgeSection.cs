namespace LlmForge.Hosting;

/// <summary>
/// The path of the configuration section <c>AddLlmForge</c> bound ("LlmForge"), so messages name full keys
/// ("LlmForge:Variants:gpt-rope:Heads") whatever the application called its section.
/// </summary>
public sealed record LlmForgeSection(string Path);
