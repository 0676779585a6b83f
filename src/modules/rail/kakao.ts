/** The Kakao skill lives in kakao/ (parse, answers, skill, routes); this path stays for older imports. */
export { kakaoRoutes } from './kakao/routes.ts';
export { KakaoSkill, type SkillResponse } from './kakao/skill.ts';
