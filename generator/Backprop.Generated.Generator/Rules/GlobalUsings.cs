// The planning rules (layer strategies, size limits, generated member names, hint names) are read by the parser and
// by most emitters: imported once here rather than in each file.
global using Backprop.Generated.Generator.Rules;
