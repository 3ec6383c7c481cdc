"""Audit actions in words: what each action name of the log means ("user.login": "Signed in").

Most names are listed here; a feature may add its own (``register``), e.g. the step
transitions, whose words are the transition table's labels. A name nobody described is shown
split into words, never as a bare code.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS: dict = {
    "assignment.add": _l("An enumerator given an assignment"),
    "attachment.upload": _l("A document uploaded"),
    "comment.file": _l("An agency filed written comments"),
    "comment.respond": _l("An agency's comment answered"),
    "consultation.add": _l("A consultation comment on the questionnaire recorded"),
    "consultation.dispose": _l("A consultation comment on the questionnaire disposed of"),
    "council.member": _l("An acceptance council member recorded"),
    "council.update": _l("The acceptance council's meeting recorded"),
    "demo.sheets": _l("Demo sheets loaded"),
    "directory.alias_import": _l("Other names of agencies imported"),
    "entry.adjudicate": _l("A difference between two keyings adjudicated"),
    "entry.approve": _l("A keyed sheet approved"),
    "entry.edit": _l("A sheet's answers edited"),
    "entry.flag": _l("A sheet marked as having issues"),
    "entry.key": _l("A paper sheet keyed"),
    "entry.omr": _l("A sheet taken from its scans"),
    "entry.reject": _l("A sheet rejected"),
    "entry.reopen": _l("A rejected sheet reopened"),
    "entry.scan_conflict": _l("A sheet's scan and keying disagree"),
    "entry.settings": _l("Keying settings changed"),
    "frames.draw": _l("Dossiers drawn from the sampling frame"),
    "frames.import": _l("A sampling frame of returned dossiers imported"),
    "frames.import_outcomes": _l("Outcomes of drawn dossiers imported"),
    "frames.outcome": _l("The outcome of a drawn dossier recorded"),
    "frames.replace": _l("A refused dossier replaced from the reserves"),
    "imports.results": _l("A results file imported"),
    "online.answer": _l("An online answer received"),
    "opinion.add": _l("A written opinion on the report recorded"),
    "pilot.add": _l("A pilot of the questionnaire recorded"),
    "plan.bands": _l("The plan's satisfaction bands changed"),
    "plan.policy": _l("The plan's rules changed"),
    "plan.reviewer": _l("The survey's Home Affairs reviewer assigned"),
    "plan.update": _l("The plan edited"),
    "print.assign": _l("A print batch handed to an enumerator"),
    "print.batch": _l("Forms printed"),
    "print.returned": _l("A personalised form came back for its drawn dossier"),
    "print.void": _l("Personalised forms printed again, their old serials void"),
    "privacy.grant": _l("Access to contact data granted"),
    "progress.shortfall": _l("A shortfall of forms explained"),
    "quality.recheck_draw": _l("A re-check sample drawn"),
    "quality.recheck_outcome": _l("A re-check outcome recorded"),
    "quality.recheck_rule": _l("The re-check rule set"),
    "quality.recheck_rule_approve": _l("The re-check rule approved"),
    "questionnaire.approve": _l("A questionnaire version approved"),
    "questionnaire.create": _l("A questionnaire version created"),
    "questionnaire.edit": _l("A questionnaire version edited"),
    "questionnaire.return": _l("A questionnaire version returned with comments"),
    "questionnaire.submit": _l("A questionnaire version submitted to Home Affairs"),
    "questionnaire.withdraw": _l("A submitted questionnaire version withdrawn"),
    "report.issue": _l("The report issued"),
    "report_draft.create": _l("A report draft version made"),
    "report_draft.publish": _l("The report published"),
    "scan.batch": _l("A batch of scans uploaded"),
    "scan.inbox": _l("A scanner inbox set up"),
    "scan.inbox.active": _l("A scanner inbox resumed"),
    "scan.inbox.change": _l("A scanner inbox changed"),
    "scan.inbox.duplicate": _l("A file in a scanner inbox was already read"),
    "scan.inbox.paused": _l("A scanner inbox paused"),
    "scan.inbox.rejected": _l("A file in a scanner inbox rejected"),
    "scan.inbox.taken": _l("A file taken from a scanner inbox"),
    "scan.replace": _l("A scan replaced"),
    "scan.text": _l("A handwritten answer typed"),
    "scan.verify": _l("A doubtful mark verified"),
    "serials.hand_out": _l("A range of serials handed out"),
    "serials.return": _l("A range of serials handed back"),
    "stats.export": _l("Survey data exported"),
    "stats.source_declared": _l("A source of results declared"),
    "survey.create": _l("A survey created"),
    "survey.scope_add": _l("An agency added to the survey"),
    "survey.scope_remove": _l("An agency removed from the survey"),
    "survey.scope_update": _l("An agency's place in the survey changed"),
    "survey.status": _l("The survey's status changed"),
    "training.add": _l("A training session recorded"),
    "training.attendance": _l("Training attendance recorded"),
    "user.activate": _l("An account activated or deactivated"),
    "user.create": _l("An account created"),
    "user.edit": _l("An account edited"),
    "user.locale": _l("The interface language changed"),
    "user.lock": _l("An account locked after failed sign-ins"),
    "user.login": _l("Signed in to fieldwork"),
    "user.logout": _l("Signed out of fieldwork"),
    "user.password_change": _l("A password changed by its owner"),
    "user.password_reset": _l("A one-time password issued"),
    "user.password_set": _l("A password set"),
    "user.sessions_end": _l("An account's sessions ended"),
    "user.unlock": _l("An account unlocked"),
    "verification.close": _l("An on-site verification closed"),
    "verification.open": _l("An on-site verification opened"),
    "workflow.due_dates": _l("The steps' due dates changed"),
}
_describers: dict = {}


def register(prefix: str, describe) -> None:
    """Let a feature put actions starting with ``prefix`` into words (``describe(action)`` ->
    text, or None when it does not know the action)."""
    _describers[prefix] = describe


def words(action: str) -> str:
    """The action in the user's language; an unknown one split into words."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    for prefix, describe in _describers.items():
        if action.startswith(prefix):
            found = describe(action)
            if found:
                return str(found)
    return action.replace(".", " · ").replace("_", " ")


def known(action: str) -> bool:
    """Whether the action has words of its own (not just split)."""
    return action in ACTIONS or any(action.startswith(p) and d(action)
                                    for p, d in _describers.items())
