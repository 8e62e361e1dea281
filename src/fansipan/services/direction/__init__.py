"""Direction (chỉ đạo, điều hành): directives and their key tasks, what the lead units
report on them, completion rates as the Government counts them, and the reports leaders
sign, made from live data in the Decree 30/2020 layout."""
