"""Generate ``sample_prefs.jsonl``: 36 synthetic HH-style chosen/rejected dialogue pairs (CC0, written for
simtheory's tests). Chosen answers are on topic and helpful; rejected ones are curt refusals or off topic.
Run ``python tests/embeddings/data/make_sample.py`` to regenerate (deterministic)."""

import json
import random
from pathlib import Path

TOPICS = [
    (
        "How do I boil an egg?",
        "Put the egg in boiling water for about nine minutes, then cool it in cold water before peeling.",
    ),
    (
        "What is a prime number?",
        "A prime number is a whole number above one whose only divisors are one and itself, like 2, 3, 5 and 7.",
    ),
    (
        "How can I sleep better?",
        "Keep a regular bedtime, avoid screens and caffeine late in the day, and keep the bedroom dark and cool.",
    ),
    (
        "Why is the sky blue?",
        "Air molecules scatter short blue wavelengths of sunlight more than red ones, so the sky looks blue.",
    ),
    (
        "How do I water a cactus?",
        "Water it deeply only when the soil is completely dry, usually every two to four weeks.",
    ),
    (
        "What does a CPU do?",
        "The CPU executes the instructions of programs: arithmetic, logic, and moving data between memory and devices.",
    ),
    (
        "How do I start running?",
        "Begin with short run-walk intervals three times a week and increase the running time gradually.",
    ),
    (
        "What is photosynthesis?",
        "Plants use light energy to turn carbon dioxide and water into sugar, releasing oxygen.",
    ),
    (
        "How do I write a cover letter?",
        "Address the hiring manager, match two or three of your achievements to the job, and keep it to one page.",
    ),
    (
        "How do vaccines work?",
        "They show the immune system a harmless piece or copy of a germ so it learns to fight the real one.",
    ),
    (
        "How do I save money on groceries?",
        "Plan meals for the week, shop with a list, buy store brands and cook larger batches.",
    ),
    (
        "What is inflation?",
        "Inflation is the general rise of prices over time, which lowers what a unit of money can buy.",
    ),
]
BAD = [
    "I don't know.",
    "Figure it out yourself.",
    "Why would you even ask that?",
    "No.",
    "I like turtles.",
    "That is a boring question.",
]
FOLLOW = ["Thanks! Can you say more?", "Is there anything else I should know?", "Could you give an example?"]


SAMPLE = Path(__file__).with_name("sample_prefs.jsonl")


def main(out: Path = SAMPLE) -> None:
    rng = random.Random(0)
    lines = []
    for q, good in TOPICS:
        for rep in range(3):
            prompt = f"\n\nHuman: {q}"
            if rep > 0:
                prompt += f"\n\nAssistant: {good}\n\nHuman: {rng.choice(FOLLOW)}"
                good_ans = "Sure. " + good.split(",")[0] + ". Happy to help with the details."
            else:
                good_ans = good
            bad = rng.choice(BAD)
            lines.append({"chosen": f"{prompt}\n\nAssistant: {good_ans}", "rejected": f"{prompt}\n\nAssistant: {bad}"})
    out.write_text("".join(json.dumps(r) + "\n" for r in lines))


if __name__ == "__main__":
    main()
