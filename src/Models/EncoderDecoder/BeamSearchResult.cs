namespace LlmForge.EncoderDecoder;

/// <summary>
/// What <see cref="BeamSearch.Generate"/> returns, as transformers' sequences and sequence_scores.
/// </summary>
/// <param name="Sequences">One row per source: decoder_start_token_id, the generated tokens, eos when the best hypothesis
/// ended with one (and it fits), then pad up to the longest row.</param>
/// <param name="Scores">Each row's score: its summed log-probabilities / generated length^length_penalty.</param>
public sealed record BeamSearchResult(int[][] Sequences, double[] Scores);
