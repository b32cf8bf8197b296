namespace LlmForge.Data;

/// <summary>
/// One Alpaca-style instruction example: what to do, an optional input to do it on, and the expected response
/// (the <c>instruction</c>, <c>input</c> and <c>output</c> keys of Alpaca's and Raschka's chapter 7 data).
/// </summary>
/// <param name="Instruction">The task ("Rewrite the sentence in the passive voice.").</param>
/// <param name="Input">What the task applies to; empty when the instruction stands alone.</param>
/// <param name="Output">The response the model should learn to give.</param>
/// <param name="Line">1-based line of the file the example starts on, for error messages (0 when built in code).</param>
public sealed record InstructionExample(string Instruction, string Input, string Output, int Line = 0);
